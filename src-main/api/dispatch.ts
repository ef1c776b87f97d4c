/**
 * Transport-neutral request dispatch and event fan-out, shared by the Electron IPC registration and
 * the browser-mode server so both validate and report errors the same way.
 */
import { ApiError, type ApiErrorPayload, type ApiEvents, type ApiHandlers, type EventName } from './contract.ts';
import { isMethodName, parseArgs } from './schemas.ts';

/** Validates `rawArgs` for `method` and runs its handler. */
export async function dispatch(handlers: ApiHandlers, method: unknown, rawArgs: unknown): Promise<unknown> {
  if (!isMethodName(method)) throw new ApiError(`unknown method "${String(method)}"`, 'not-found');
  const args = parseArgs(method, rawArgs);
  const handler = handlers[method] as (a: unknown) => unknown;
  return await handler(args);
}

/** Turns any thrown value into the payload sent to the UI; internal errors keep their message. */
export function toErrorPayload(err: unknown): ApiErrorPayload {
  if (err instanceof ApiError) return { message: err.message, code: err.code };
  if (err instanceof Error) return { message: err.message, code: 'internal' };
  return { message: String(err), code: 'internal' };
}

export type AnyEventListener = <K extends EventName>(event: K, payload: ApiEvents[K]) => void;

/** The backend's one event source; each transport subscribes once and forwards to its clients. */
export class ApiEventBus {
  private readonly listeners = new Set<AnyEventListener>();

  emit<K extends EventName>(event: K, payload: ApiEvents[K]): void {
    for (const listener of this.listeners) {
      try {
        listener(event, payload);
      } catch (err) {
        // One broken client connection must not stop events reaching the others.
        console.error(`event listener failed for ${event}:`, err);
      }
    }
  }

  on(listener: AnyEventListener): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  get size(): number {
    return this.listeners.size;
  }
}
