import net from 'node:net';

/** IPv4 or IPv6 address text (no port, no brackets). */
export function isIp(value: string): boolean {
  return value.length >= 2 && value.length <= 45 && net.isIP(value) !== 0;
}
