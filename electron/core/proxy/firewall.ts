import { AppError } from '../../common/errors';
import type { FirewallGuide, GeneratedFile, PublishedPort } from '../../common/ipc/proxy.ipc';
import { checkPort } from './validate';

/**
 * Host firewall guidance: allow only SSH, HTTP and HTTPS in, with ufw or nftables (pick one), plus the
 * Docker caveat next to the commands. Docker-published ports never reach either rule set (crucible-facts
 * §8.1), so the guide also writes DOCKER-USER rules for the ports compose publishes on all interfaces.
 */

export const DOCKER_CAVEAT =
  'Docker publishes container ports with its own iptables rules: traffic to a published port is rewritten (DNAT) in ' +
  'PREROUTING and then forwarded, so it never passes the INPUT chain where ufw and the nftables input chain below ' +
  'filter. A port published as "8000:8000" stays reachable from the internet even when ufw denies 8000 ' +
  '(moby/moby#4737, docker/for-linux#690). Fix it at the source: publish the api and frontend as ' +
  '"127.0.0.1:8000:8000" and "127.0.0.1:3000:3000" so only the proxy on this host reaches them. As a second layer, ' +
  'drop outside connections to published ports in the DOCKER-USER chain, which Docker evaluates before its own rules.';

export interface FirewallOptions {
  sshPort?: number;
  externalInterface?: string;
  /** Published ports found in compose; when none are known the stock 8000 and 3000 are assumed. */
  publishedPorts?: PublishedPort[];
}

/** @throws AppError PROXY_BAD_INTERFACE, PROXY_BAD_PORT */
export function firewallGuide(options: FirewallOptions = {}): FirewallGuide {
  const ssh = checkPort('The SSH port', options.sshPort ?? 22);
  const ifname = options.externalInterface ?? 'eth0';
  if (!/^[A-Za-z0-9._-]{1,15}$/.test(ifname)) {
    throw new AppError(
      'PROXY_BAD_INTERFACE',
      `The network interface ${JSON.stringify(ifname)} is not a valid name (up to 15 letters, digits, '.', '_' or '-'; see \`ip -br link\`).`,
    );
  }
  const published = options.publishedPorts ?? [];
  const exposed = published.filter((p) => p.allInterfaces && p.published !== null && /^\d+(-\d+)?$/.test(p.published));
  const ports =
    exposed.length > 0 ? [...new Set(exposed.map((p) => (p.published ?? '').replace('-', ':')))] : ['8000', '3000'];
  const sshNote = ssh === 22 ? '' : ` (SSH on ${String(ssh)})`;

  const ufw: GeneratedFile = {
    id: 'firewall-ufw',
    name: 'firewall-ufw.sh',
    language: 'shell',
    description: `ufw: deny everything incoming except SSH${sshNote}, HTTP and HTTPS.`,
    content: [
      '#!/bin/sh',
      `# Host firewall for Crucible with ufw: only ${String(ssh)} (SSH), 80 (HTTP, redirected) and 443 (HTTPS) come in.`,
      '# Run as root on the server. Use either this or the nftables file, not both.',
      '# DOCKER CAVEAT: ports that Docker publishes skip these rules entirely; see docker-user.sh.',
      'set -eu',
      '# SSH first, so enabling the firewall does not cut the session you are in. (`ufw limit` would also rate-limit it.)',
      `ufw allow ${String(ssh)}/tcp comment 'SSH'`,
      "ufw allow 80/tcp comment 'HTTP (redirect to HTTPS, ACME)'",
      "ufw allow 443/tcp comment 'HTTPS'",
      'ufw default deny incoming',
      'ufw default allow outgoing',
      'ufw --force enable',
      'ufw status verbose',
      '',
    ].join('\n'),
  };

  const nft: GeneratedFile = {
    id: 'firewall-nftables',
    name: 'crucible-firewall.nft',
    language: 'nftables',
    description: `nftables: its own table with an input policy of drop, except SSH${sshNote}, HTTP and HTTPS.`,
    content: [
      '#!/usr/sbin/nft -f',
      `# Host firewall for Crucible with nftables: only ${String(ssh)} (SSH), 80 and 443 come in. Load with: sudo nft -f crucible-firewall.nft`,
      "# It lives in its own table, so Docker's tables are left alone. On a Docker host never put `flush ruleset`",
      "# in front of it: that deletes Docker's NAT rules and breaks every container's networking.",
      '# DOCKER CAVEAT: ports that Docker publishes skip this input chain; see docker-user.sh.',
      'table inet crucible_host',
      'delete table inet crucible_host',
      'table inet crucible_host {',
      '\tchain input {',
      '\t\ttype filter hook input priority 0; policy drop;',
      '\t\tct state established,related accept',
      '\t\tct state invalid drop',
      '\t\tiif "lo" accept',
      '\t\tmeta l4proto { icmp, ipv6-icmp } accept',
      `\t\ttcp dport { ${String(ssh)}, 80, 443 } accept`,
      '\t}',
      '}',
      '',
    ].join('\n'),
  };

  const dockerUser: GeneratedFile = {
    id: 'firewall-docker-user',
    name: 'docker-user.sh',
    language: 'shell',
    description: `DOCKER-USER rules: drop connections from ${ifname} to the ports compose publishes (${ports.join(', ')}).`,
    content: [
      '#!/bin/sh',
      '# Docker-published ports bypass ufw and the nftables input chain (DNAT + FORWARD). The real fix is to bind',
      '# them to 127.0.0.1 in compose. These rules are a second layer: Docker runs DOCKER-USER before its own rules.',
      `# ${ifname} is the internet-facing interface (check with: ip -br addr). --ctorigdstport matches the port the`,
      '# client asked for, before Docker rewrote it.',
      'set -eu',
      ...ports.flatMap((p) => [
        `iptables -I DOCKER-USER -i ${ifname} -p tcp -m conntrack --ctorigdstport ${p} --ctdir ORIGINAL -j DROP`,
        `ip6tables -I DOCKER-USER -i ${ifname} -p tcp -m conntrack --ctorigdstport ${p} --ctdir ORIGINAL -j DROP 2>/dev/null || true`,
      ]),
      '# These rules are lost at reboot: persist them (e.g. apt install iptables-persistent && netfilter-persistent save).',
      'iptables -L DOCKER-USER -n -v',
      '',
    ].join('\n'),
  };

  return { sshPort: ssh, files: [ufw, nft, dockerUser], dockerCaveat: DOCKER_CAVEAT, publishedPorts: published };
}
