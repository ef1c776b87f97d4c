import { homedir } from 'node:os';
import { join, resolve } from 'node:path';

/** Environment variable that overrides where FER Lab keeps its data (runs.db, caches, checkpoints). */
export const HOME_ENV = 'FER_LAB_HOME';

/**
 * The one app-data folder shared by the CLI, the browser-mode server and the desktop app.
 * Order: explicit --home, then $FER_LAB_HOME, then the platform's per-user data folder.
 */
export function resolveHome(explicit?: string, env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (explicit) return resolve(explicit);
  const fromEnv = env[HOME_ENV];
  if (fromEnv) return resolve(fromEnv);
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), 'FER Lab');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', 'FER Lab');
  return join(env.XDG_DATA_HOME ?? join(homedir(), '.local', 'share'), 'fer-lab');
}
