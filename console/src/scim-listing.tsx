import { useEffect, useState, type FormEvent } from 'react';
import { SCIM, type ScimListResponse } from './api.ts';
import { useAction } from './components.tsx';
import { useSession } from './session.tsx';

export const SCIM_PAGE_SIZE = 20;

/** A SCIM filter string literal (RFC 7644 §3.4.2.2): quotes and backslashes escaped. */
export function scimString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * One page of a SCIM collection (Users or Groups), searched with `<attribute> co "<text>"`,
 * sorted by that attribute, paged with startIndex/count (RFC 7644 §3.4.2).
 */
export function useScimListing<T>(collection: 'Users' | 'Groups', attribute: 'userName' | 'displayName') {
  const { api } = useSession();
  const [search, setSearch] = useState('');
  const [applied, setApplied] = useState('');
  const [page, setPage] = useState(1);
  const [result, setResult] = useState<ScimListResponse<T>>();
  const load = useAction(async () => {
    const query: Record<string, string | number> = { startIndex: (page - 1) * SCIM_PAGE_SIZE + 1, count: SCIM_PAGE_SIZE, sortBy: attribute };
    if (applied) query.filter = `${attribute} co ${scimString(applied)}`;
    setResult(await api.get<ScimListResponse<T>>(`${SCIM}/${collection}`, query));
  });
  useEffect(() => {
    void load.run();
  }, [applied, page]);
  const onSearch = (event: FormEvent) => {
    event.preventDefault();
    setPage(1);
    setApplied(search.trim());
  };
  const totalPages = Math.ceil((result?.totalResults ?? 0) / SCIM_PAGE_SIZE);
  return { search, setSearch, onSearch, page, setPage, totalPages, result, load };
}
