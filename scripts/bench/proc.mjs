// CPU seconds and memory of processes, read from /proc (Linux).
import fs from 'node:fs';

const TICKS = 100; // USER_HZ on Linux

/** utime, stime, cutime, cstime of a process in seconds. @param {number | 'self'} pid */
function times(pid) {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state): utime is field 14, so index 11.
  const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number);
  return { self: (utime + stime) / TICKS, children: (cutime + cstime) / TICKS, ppid: Number(fields[1]) };
}

/** CPU seconds used by a process and its children (live and exited). @param {number | 'self'} pid */
export function cpuSeconds(pid) {
  const root = times(pid);
  let total = root.self + root.children;
  const rootPid = pid === 'self' ? process.pid : pid;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const child = times(Number(entry));
      if (child.ppid === rootPid) total += child.self;
    } catch { /* gone */ }
  }
  return Math.round(total * 100) / 100;
}

/** The postmaster's pid of a data directory. @param {string} dataDir */
export function postmasterPid(dataDir) {
  return Number(fs.readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
}

/** Resident memory of a process in KiB. @param {number} pid */
export function rssKiB(pid) {
  return Number(fs.readFileSync(`/proc/${pid}/status`, 'utf8').match(/VmRSS:\s+(\d+) kB/)[1]);
}
