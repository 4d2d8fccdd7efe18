import fs from 'node:fs';

let bootId: string | undefined;

/**
 * When a running process started, as "<boot id>/<clock ticks since boot>" (Linux, from /proc): a
 * PID that the system has since given to another process gives another value, also across a
 * reboot. 'exited' for a process that has ended but is not reaped yet (a zombie, which `kill 0`
 * still finds). undefined where this cannot be read (not Linux, no such process, or /proc hides
 * it): callers then fall back to asking whether the PID is alive.
 */
export function processStart(pid: number): string | undefined {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid …": comm may hold spaces and ')', so count fields after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return 'exited';
  bootId ??= readBootId();
  return `${bootId}/${fields[19]}`; // field 22 of stat(5), "starttime"; fields[0] is field 3
}

function readBootId(): string {
  try {
    return fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  } catch {
    return '';
  }
}
