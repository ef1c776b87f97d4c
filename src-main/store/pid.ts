/**
 * Whether a process with this id exists. Signal 0 checks without signalling: ESRCH means gone,
 * EPERM means it exists but belongs to another user (still alive).
 */
export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
