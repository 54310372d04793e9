import fs from 'node:fs';

const TICKS_PER_SECOND = 100;

interface ProcessCpu { pid: number; ppid: number; name: string; seconds: number }

function readProcess(pid: number): ProcessCpu | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The name is in parentheses and may hold spaces; the fields after it are positional.
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { pid, ppid: Number(fields[1]), name, seconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/**
 * CPU seconds used so far by this process and each of its descendants (Linux /proc), summed by
 * what they are: postgres, temporal, the booking worker (by pid), this process.
 */
export function cpuByPart(workerPids: Record<string, number>): Record<string, number> {
  const all = fs.readdirSync('/proc').filter((entry) => /^\d+$/.test(entry))
    .map((entry) => readProcess(Number(entry))).filter((entry): entry is ProcessCpu => entry !== null);
  const children = new Map<number, ProcessCpu[]>();
  for (const entry of all) children.set(entry.ppid, [...(children.get(entry.ppid) ?? []), entry]);
  const parts: Record<string, number> = {};
  const named = new Map(Object.entries(workerPids).map(([part, pid]) => [pid, part]));
  const visit = (entry: ProcessCpu, inherited: string | null) => {
    const part = named.get(entry.pid) ?? inherited
      ?? (entry.name.startsWith('postgres') ? 'postgres' : entry.name.startsWith('temporal') ? 'temporal' : null);
    if (part) parts[part] = (parts[part] ?? 0) + entry.seconds;
    for (const child of children.get(entry.pid) ?? []) visit(child, part);
  };
  const self = readProcess(process.pid)!;
  parts['API + client'] = self.seconds;
  for (const child of children.get(process.pid) ?? []) visit(child, null);
  return parts;
}

export function cpuSince(before: Record<string, number>, after: Record<string, number>): Record<string, number> {
  return Object.fromEntries(Object.entries(after).map(([part, seconds]) => [part, seconds - (before[part] ?? 0)]));
}
