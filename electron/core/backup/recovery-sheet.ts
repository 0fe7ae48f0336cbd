import type { ExportResult } from '../../common/ipc/backup.ipc';

/**
 * The printable recovery sheet (issue 8): the backup's fingerprint, where it is kept, the secret names per
 * deployment, the restore steps and a blank for the passphrase. It is built from an ExportResult, which holds
 * no value by construction, and every string is HTML-escaped.
 */

function esc(s: string): string {
  return s.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c,
  );
}

export function recoverySheetHtml(exp: ExportResult, where: string = exp.path): string {
  const deployments = exp.deployments
    .map(
      (d) => `<section class="deployment">
  <h2>${esc(d.name)} <small>(${esc(d.id)})</small></h2>
  <p>${d.secretNames.length} secret(s):</p>
  <ul>${d.secretNames.map((n) => `<li><code>${esc(n)}</code></li>`).join('')}</ul>
</section>`,
    )
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'">
<title>Recovery sheet: ${esc(exp.fileName)}</title>
<style>
  body { font: 12pt/1.45 system-ui, sans-serif; max-width: 46em; margin: 2em auto; color: #000; background: #fff; }
  h1 { font-size: 18pt; } h2 { font-size: 14pt; margin-top: 1.2em; }
  code, .fp { font-family: ui-monospace, monospace; }
  .fp { font-size: 14pt; letter-spacing: 0.05em; }
  .blank { border-bottom: 1px solid #000; height: 2.2em; margin: 0.6em 0 1.2em; }
  .note { border: 1px solid #000; padding: 0.6em 0.9em; }
  ul { columns: 2; } @media print { a { color: #000; } }
</style>
</head>
<body>
<h1>Crucible Secrets: backup recovery sheet</h1>
<p class="note">This sheet holds <strong>no secret values</strong>. Keep it with your disaster-recovery papers. If you write the passphrase below, store the sheet as carefully as the passphrase itself, and never beside the backup file.</p>
<dl>
  <dt>Backup file</dt><dd><code>${esc(exp.fileName)}</code> (${exp.bytes} bytes)</dd>
  <dt>Backup fingerprint (SHA-256 of the file)</dt><dd class="fp">${esc(exp.fingerprint)}</dd>
  <dt>Made</dt><dd>${esc(exp.createdAt)}</dd>
  <dt>Where it is kept</dt><dd><code>${esc(where)}</code></dd>
  <dt>Other copies kept at</dt><dd><div class="blank"></div></dd>
</dl>
<h2>Passphrase</h2>
<div class="blank" aria-label="passphrase (write by hand)"></div>
${deployments}
<h2>How to restore</h2>
<ol>
  <li>Check that the file is the right one: its fingerprint must match the one above (the app shows it when you verify).</li>
  <li>In Crucible Secrets, open <em>Backup</em> → <em>Restore</em>, choose the file, type the passphrase, review the differences with the keychain and <code>.env</code>, and apply. Or on the command line: <code>crucible-secrets backup restore ${esc(exp.fileName)} --to /path/to/crucible</code>.</li>
  <li>Without the app: the format is documented in <code>docs/backup-format.md</code> of the Crucible Secrets source; it needs only Argon2id and AES-256-GCM (a 20-line Python script is given there).</li>
  <li>After restoring, restart the Crucible services (<code>docker compose up -d</code>) so they read the restored values. If a secret was rotated after this backup was made, the restored value is the older, revoked one: rotate it again.</li>
</ol>
</body>
</html>
`;
}
