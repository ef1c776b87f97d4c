/** IPC details shared by Electron main and the preload: method names are the invoke channels. */

/** The single channel main pushes events on: (eventName, payload). */
export const EVENT_CHANNEL = 'api:event';

/** Marks our error text inside Electron's "Error invoking remote method" wrapper. */
export const IPC_ERROR_PREFIX = '[fer-lab] ';
