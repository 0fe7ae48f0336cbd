import { useState } from 'react';
import type { FirewallGuide, FirewallRequest } from '../../../../electron/common/ipc/proxy.ipc';
import { errorMessage, getApi } from '../../api';
import { GeneratedFileView } from './GeneratedFileView';

interface Props {
  /** Where compose is read from: a registered deployment or a picked folder. */
  target: { deploymentId?: string; folderId?: string };
}

/** Firewall guidance: ufw or nftables, and the Docker caveat next to the commands. */
export function FirewallPanel({ target }: Props) {
  const [sshPort, setSshPort] = useState('22');
  const [iface, setIface] = useState('eth0');
  const [guide, setGuide] = useState<FirewallGuide | null>(null);
  const [error, setError] = useState<string | null>(null);
  const request = (): FirewallRequest => ({ ...target, sshPort: Number(sshPort), externalInterface: iface });
  const show = () => {
    setError(null);
    getApi()
      .proxy.firewall(request())
      .then(setGuide, (e: unknown) => {
        setError(errorMessage(e));
        setGuide(null);
      });
  };
  const exposed = guide?.publishedPorts.filter((p) => p.allInterfaces) ?? [];
  return (
    <section className="panel" aria-labelledby="firewall-title">
      <h2 id="firewall-title">Firewall</h2>
      <p>
        Allow only SSH, HTTP (80) and HTTPS (443) into the server. Use the ufw commands or the nftables file, not both.
      </p>
      <div className="form-row">
        <div>
          <label htmlFor="fw-ssh">SSH port</label>
          <input
            id="fw-ssh"
            inputMode="numeric"
            value={sshPort}
            onChange={(e) => {
              setSshPort(e.target.value);
            }}
          />
        </div>
        <div>
          <label htmlFor="fw-if">Internet-facing interface</label>
          <input
            id="fw-if"
            value={iface}
            onChange={(e) => {
              setIface(e.target.value);
            }}
          />
        </div>
      </div>
      <p>
        <button type="button" onClick={show}>
          Show firewall commands
        </button>
      </p>
      {error !== null && (
        <div className="banner banner-error" role="alert">
          {error}
        </div>
      )}
      {guide !== null && (
        <>
          <div className="banner banner-warn" data-testid="docker-caveat">
            <strong>Docker caveat.</strong> {guide.dockerCaveat}
          </div>
          {exposed.length > 0 && (
            <>
              <h3>Published on every interface (reachable past the firewall)</h3>
              <ul data-testid="exposed-ports">
                {exposed.map((p) => (
                  <li key={`${p.file}:${p.service}:${p.raw}`}>
                    <code>{p.service}</code>: <code>{p.raw}</code> in {p.file}
                    {p.line !== undefined ? `:${String(p.line)}` : ''}
                  </li>
                ))}
              </ul>
            </>
          )}
          {guide.files.map((f) => (
            <GeneratedFileView
              key={f.id}
              file={f}
              onCopy={() => getApi().proxy.copy({ firewall: request(), fileId: f.id })}
              onSave={() =>
                getApi()
                  .proxy.save({ firewall: request(), fileId: f.id })
                  .then((r) => r.name)
              }
            />
          ))}
        </>
      )}
    </section>
  );
}
