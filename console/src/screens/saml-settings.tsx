import { useEffect, useState, type ChangeEvent } from 'react';
import { IDENTITY, type SamlSettings as SamlSettingsView } from '../api.ts';
import { CopyField, ErrorNote, Notice, useAction } from '../components.tsx';
import { useSession } from '../session.tsx';

/** SAML: the SP values to copy into the IdP, IdP metadata to paste or upload, certificate warnings. */
export function SamlSettings() {
  const { api } = useSession();
  const [settings, setSettings] = useState<SamlSettingsView>();
  const [metadata, setMetadata] = useState('');
  const [jit, setJit] = useState(false);
  const [saved, setSaved] = useState<string>();
  const load = useAction(async () => {
    const current = await api.get<SamlSettingsView>(`${IDENTITY}/saml/settings`);
    setSettings(current);
    setJit(current.jitProvisioning);
  });
  useEffect(() => {
    void load.run();
  }, []);
  const save = useAction(async () => {
    const updated = await api.send<SamlSettingsView>('POST', `${IDENTITY}/saml/settings`, { idpMetadataXml: metadata, jitProvisioning: jit, enabled: true });
    setSettings(updated);
    setMetadata('');
    setSaved('SAML settings saved from the IdP metadata.');
  });
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    if (file) setMetadata(await file.text());
  };
  const sp = settings?.serviceProvider;
  return (
    <div>
      <ErrorNote error={load.error} />
      {settings?.certificateWarnings.map((warning) => (
        <p key={`${warning.code}-${warning.fingerprint ?? ''}`} className="warning" role="alert">
          {warning.message}
        </p>
      ))}
      {sp && (
        <section className="panel" aria-labelledby="sp-values">
          <h2 id="sp-values">Values for your identity provider</h2>
          <CopyField label="SP entity ID (Identifier / Audience URI)" value={sp.entityId} />
          <CopyField label="ACS URL (Reply URL / Single sign-on URL)" value={sp.acsUrl} />
          <CopyField label="SP metadata URL" value={sp.metadataUrl} />
          <CopyField label="Sign-on URL" value={sp.loginUrl} />
        </section>
      )}
      {settings?.configured && (
        <section className="panel" aria-labelledby="idp-now">
          <h2 id="idp-now">Current identity provider</h2>
          <dl>
            <dt>Status</dt>
            <dd>{settings.enabled ? 'Enabled' : 'Disabled'}</dd>
            <dt>IdP entity ID</dt>
            <dd>{settings.idpEntityId ?? '—'}</dd>
            <dt>Sign-in URL</dt>
            <dd>{settings.ssoUrl ?? '—'}</dd>
            <dt>Signing certificates</dt>
            <dd>
              <ul>
                {settings.certificates.map((certificate) => (
                  <li key={certificate.fingerprint}>
                    {certificate.subject}: {certificate.status}, expires {new Date(certificate.notAfter).toLocaleDateString()}
                  </li>
                ))}
              </ul>
            </dd>
          </dl>
        </section>
      )}
      <form
        className="panel"
        onSubmit={(event) => {
          event.preventDefault();
          void save.run();
        }}
      >
        <h2>Configure from IdP metadata</h2>
        <label htmlFor="idp-metadata-file">Upload the IdP metadata file (Federation Metadata XML)</label>
        <input id="idp-metadata-file" type="file" accept=".xml,application/xml,text/xml,application/samlmetadata+xml" onChange={(event) => void onFile(event)} />
        <label htmlFor="idp-metadata">Or paste the IdP metadata XML</label>
        <textarea id="idp-metadata" rows={8} required value={metadata} onChange={(event) => setMetadata(event.target.value)} />
        <label className="check">
          <input type="checkbox" checked={jit} onChange={(event) => setJit(event.target.checked)} />
          Create unknown users at their first sign-in (just-in-time provisioning)
        </label>
        <button type="submit" disabled={save.busy || metadata.trim().length === 0}>
          Save SAML settings
        </button>
        {saved && <Notice>{saved}</Notice>}
        <ErrorNote error={save.error} />
      </form>
    </div>
  );
}
