// Reading processes from /proc for the benches: memory of a process and of its whole tree.

import { readdirSync, readFileSync } from 'node:fs';

/** VmRSS (or another field) of a process in kB; 0 when it is gone. */
export function status(pid: number, field = 'VmRSS'): number {
  try {
    const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** Proportional set size in kB: shared pages split between the processes that share them. */
export function pss(pid: number): number {
  try {
    const m = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0;
  }
}

/** A process and all its descendants, from the parent pid in /proc/<pid>/stat. */
export function processTree(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const list = children.get(ppid) ?? [];
      list.push(Number(entry));
      children.set(ppid, list);
    } catch {
      // gone between readdir and read
    }
  }
  const tree = [root];
  for (let i = 0; i < tree.length; i++) tree.push(...(children.get(tree[i]!) ?? []));
  return tree;
}

/** RSS of this process and everything it started (Chrome and its helpers), in MB. */
export function treeRssMb(root = process.pid): number {
  return processTree(root).reduce((sum, pid) => sum + status(pid), 0) / 1024;
}

/** PSS of this process and everything it started, in MB: each shared page counted once. */
export function treePssMb(root = process.pid): number {
  return processTree(root).reduce((sum, pid) => sum + pss(pid), 0) / 1024;
}
