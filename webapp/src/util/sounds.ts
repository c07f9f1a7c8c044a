// Join, leave and ring sounds, synthesised with WebAudio (short sine chimes with soft envelopes): nothing to
// download, nothing to ship. A page that has not had a user gesture may refuse to play; that is silent.

type Note = { freq: number; at: number; dur: number; gain?: number };

let ctx: AudioContext | undefined;

function context(): AudioContext | undefined {
  if (typeof AudioContext === 'undefined') return undefined;
  try {
    ctx ??= new AudioContext();
    if (ctx.state === 'suspended') void ctx.resume().catch(() => undefined);
    return ctx;
  } catch {
    return undefined;
  }
}

function play(notes: Note[]): void {
  const c = context();
  if (!c) return;
  const t0 = c.currentTime + 0.02;
  for (const n of notes) {
    const osc = c.createOscillator();
    const g = c.createGain();
    osc.type = 'sine';
    osc.frequency.value = n.freq;
    const peak = n.gain ?? 0.12;
    const start = t0 + n.at;
    g.gain.setValueAtTime(0, start);
    g.gain.linearRampToValueAtTime(peak, start + 0.015);
    g.gain.exponentialRampToValueAtTime(0.0001, start + n.dur);
    osc.connect(g).connect(c.destination);
    osc.start(start);
    osc.stop(start + n.dur + 0.05);
  }
}

/** Rising two-note chime: I joined. */
export function playJoinSelf(): void {
  play([
    { freq: 659.25, at: 0, dur: 0.25 },
    { freq: 987.77, at: 0.12, dur: 0.4 },
  ]);
}

/** One soft note: someone joined my call. */
export function playJoinUser(): void {
  play([{ freq: 880, at: 0, dur: 0.3, gain: 0.08 }]);
}

/** Falling two-note chime: I left. */
export function playLeaveSelf(): void {
  play([
    { freq: 987.77, at: 0, dur: 0.25 },
    { freq: 659.25, at: 0.12, dur: 0.4 },
  ]);
}

/** A calm ring pattern repeated every 2.5 s until the returned function is called. */
export function startRinging(): () => void {
  const pattern = () =>
    play([
      { freq: 523.25, at: 0, dur: 0.35, gain: 0.1 },
      { freq: 659.25, at: 0.18, dur: 0.35, gain: 0.1 },
      { freq: 783.99, at: 0.36, dur: 0.6, gain: 0.1 },
    ]);
  pattern();
  const timer = setInterval(pattern, 2500);
  return () => clearInterval(timer);
}
