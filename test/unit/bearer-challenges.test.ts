import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

function sources(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) return sources(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Drops comment lines (TSDoc that quotes a challenge is not a challenge). */
const withoutComments = (text: string) => text.split('\n').filter((line) => !/^\s*(\*|\/\/|\/\*)/.test(line)).join('\n');

describe('Bearer challenges (RFC 6750 §3)', () => {
  it('every challenge that names an error also describes it for the caller', () => {
    const challenges = ['shared', 'functions'].flatMap(sources).flatMap((path) => [...withoutComments(readFileSync(path, 'utf8')).matchAll(/['`]Bearer error="[^'`]*['`]/g)].map((match) => ({ path, challenge: match[0] })));
    expect(challenges.length).toBeGreaterThan(3);
    for (const { path, challenge } of challenges) expect(challenge, path).toContain('error_description=');
  });
});
