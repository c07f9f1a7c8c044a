// Playback of what others send: one hidden <audio> per remote voice or screen-audio track, outside React so
// that sound goes on whatever page is shown, routed to the chosen speaker with setSinkId.

type SinkAudio = HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> };

export class RemoteAudio {
  private readonly container: HTMLDivElement;
  private readonly elements = new Map<string, SinkAudio>();
  private sinkId = '';

  constructor(sinkId: string | null) {
    this.sinkId = sinkId ?? '';
    this.container = document.createElement('div');
    this.container.dataset.testid = 'calls-remote-audio-container';
    this.container.style.display = 'none';
    document.body.appendChild(this.container);
  }

  add(key: string, stream: MediaStream, sessionId: string, type: string): void {
    this.remove(key);
    const el = document.createElement('audio') as SinkAudio;
    el.autoplay = true;
    el.dataset.testid = 'calls-remote-audio';
    el.dataset.sessionId = sessionId;
    el.dataset.type = type;
    el.srcObject = stream;
    if (this.sinkId && el.setSinkId) el.setSinkId(this.sinkId).catch(() => undefined);
    this.container.appendChild(el);
    this.elements.set(key, el);
    el.play().catch(() => {
      // Autoplay refused (no user gesture yet on this page): retry on the next interaction.
      const retry = () => void el.play().catch(() => undefined);
      window.addEventListener('pointerdown', retry, { once: true });
    });
  }

  remove(key: string): void {
    const el = this.elements.get(key);
    if (!el) return;
    el.srcObject = null;
    el.remove();
    this.elements.delete(key);
  }

  /** Removes the tracks of one sender (it left the call). */
  removeSession(sessionId: string): void {
    for (const [key, el] of this.elements) if (el.dataset.sessionId === sessionId) this.remove(key);
  }

  async setSink(deviceId: string): Promise<void> {
    this.sinkId = deviceId;
    await Promise.all([...this.elements.values()].map((el) => el.setSinkId?.(deviceId).catch(() => undefined)));
  }

  close(): void {
    for (const key of [...this.elements.keys()]) this.remove(key);
    this.container.remove();
  }
}
