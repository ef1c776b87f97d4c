/**
 * Registers the API contract on Electron IPC through one typed helper: each method name is an
 * invoke channel, inputs are validated by the shared dispatcher, events go out on one channel.
 */
import { ipcMain, type WebContents } from 'electron';
import { METHOD_NAMES, type ApiHandlers } from '../api/contract.ts';
import { dispatch, toErrorPayload, type ApiEventBus } from '../api/dispatch.ts';
import { EVENT_CHANNEL, IPC_ERROR_PREFIX } from '../api/ipc-channels.ts';

export function registerIpc(handlers: ApiHandlers, isTrustedSender: (url: string) => boolean): () => void {
  for (const method of METHOD_NAMES) {
    ipcMain.handle(method, async (event, args: unknown) => {
      // Only our own renderer may call in; a navigated-away or injected frame gets nothing.
      const url = event.senderFrame?.url ?? '';
      if (!isTrustedSender(url)) throw new Error(`${IPC_ERROR_PREFIX}refused: ${method} from ${url || 'unknown frame'}`);
      try {
        return await dispatch(handlers, method, args);
      } catch (err) {
        const p = toErrorPayload(err);
        // Electron keeps only the message of a thrown error; the prefix lets the preload strip its wrapper.
        throw new Error(`${IPC_ERROR_PREFIX}${p.message}`);
      }
    });
  }
  return () => {
    for (const method of METHOD_NAMES) ipcMain.removeHandler(method);
  };
}

/** Forwards every backend event to a window until it closes. */
export function forwardEvents(events: ApiEventBus, contents: WebContents): () => void {
  const off = events.on((name, payload) => {
    if (!contents.isDestroyed()) contents.send(EVENT_CHANNEL, name, payload);
  });
  contents.once('destroyed', off);
  return off;
}
