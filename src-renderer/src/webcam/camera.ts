/** Camera access: device list and opening/closing a stream at a chosen resolution. */

export interface CameraDevice {
  deviceId: string;
  label: string;
}

export const RESOLUTIONS = [
  { label: '320 x 240', width: 320, height: 240 },
  { label: '640 x 480', width: 640, height: 480 },
  { label: '1280 x 720', width: 1280, height: 720 },
] as const;

/**
 * Lists video inputs. Labels are empty until the page has had camera permission once, so unnamed
 * devices get a numbered fallback label.
 */
export async function listCameras(): Promise<CameraDevice[]> {
  if (!navigator.mediaDevices?.enumerateDevices) throw new Error('this browser has no camera API (navigator.mediaDevices)');
  const devices = await navigator.mediaDevices.enumerateDevices();
  return devices
    .filter((d) => d.kind === 'videoinput')
    .map((d, i) => ({ deviceId: d.deviceId, label: d.label || `Camera ${i + 1}` }));
}

export async function openCamera(deviceId: string | null, width: number, height: number): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new Error('this browser has no camera API (navigator.mediaDevices)');
  try {
    return await navigator.mediaDevices.getUserMedia({
      audio: false,
      video: {
        ...(deviceId ? { deviceId: { exact: deviceId } } : {}),
        width: { ideal: width },
        height: { ideal: height },
      },
    });
  } catch (err) {
    const e = err as DOMException;
    if (e.name === 'NotAllowedError') throw new Error('camera permission was refused');
    if (e.name === 'NotFoundError' || e.name === 'OverconstrainedError') throw new Error('the selected camera is not available');
    throw new Error(`could not open the camera: ${e.message}`);
  }
}

/** Stops every track, which turns the camera (and its hardware light) off. */
export function closeCamera(stream: MediaStream | null): void {
  stream?.getTracks().forEach((t) => t.stop());
}
