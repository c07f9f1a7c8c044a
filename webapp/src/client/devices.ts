// Microphone and speaker: opening the microphone with the reference's constraints, the user's chosen
// devices (kept in localStorage under the reference's keys), and device lists for the menus.

const INPUT_KEY = 'calls_default_audio_input';
const OUTPUT_KEY = 'calls_default_audio_output';

export interface AudioDevices {
  inputs: MediaDeviceInfo[];
  outputs: MediaDeviceInfo[];
}

export type MicFailure = 'permission' | 'no-device' | 'other';

export class MicError extends Error {
  constructor(
    readonly reason: MicFailure,
    message: string,
  ) {
    super(message);
  }
}

function stored(key: string): string | null {
  try {
    return window.localStorage.getItem(key);
  } catch {
    return null;
  }
}

function store(key: string, value: string | null): void {
  try {
    if (value === null) window.localStorage.removeItem(key);
    else window.localStorage.setItem(key, value);
  } catch {
    // storage disabled: the choice lasts for this call only
  }
}

export async function listAudioDevices(): Promise<AudioDevices> {
  if (!navigator.mediaDevices?.enumerateDevices) return { inputs: [], outputs: [] };
  const all = await navigator.mediaDevices.enumerateDevices();
  return { inputs: all.filter((d) => d.kind === 'audioinput'), outputs: all.filter((d) => d.kind === 'audiooutput') };
}

/** Opens the microphone (the chosen one if it still exists) with echo cancellation, noise suppression and AGC on. */
export async function openMicrophone(deviceId?: string): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new MicError('other', 'This browser cannot capture audio here (a secure context is required).');
  const wanted = deviceId ?? stored(INPUT_KEY) ?? undefined;
  const constraints = (id?: string): MediaStreamConstraints => ({
    video: false,
    audio: { echoCancellation: true, noiseSuppression: true, autoGainControl: true, ...(id ? { deviceId: { exact: id } } : {}) },
  });
  try {
    return await navigator.mediaDevices.getUserMedia(constraints(wanted));
  } catch (err) {
    const name = (err as DOMException).name;
    if (wanted && (name === 'OverconstrainedError' || name === 'NotFoundError')) {
      // The remembered device is gone: fall back to the default one and forget it.
      store(INPUT_KEY, null);
      return openMicrophone('');
    }
    if (name === 'NotAllowedError' || name === 'SecurityError') throw new MicError('permission', 'Microphone access was denied.');
    if (name === 'NotFoundError') throw new MicError('no-device', 'No microphone was found.');
    throw new MicError('other', `The microphone could not be opened: ${(err as Error).message}`);
  }
}

export function rememberInput(deviceId: string): void {
  store(INPUT_KEY, deviceId);
}

export function rememberOutput(deviceId: string): void {
  store(OUTPUT_KEY, deviceId);
}

export function chosenInput(): string | null {
  return stored(INPUT_KEY);
}

export function chosenOutput(): string | null {
  return stored(OUTPUT_KEY);
}
