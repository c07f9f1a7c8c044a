// A <video> bound to a MediaStream (srcObject cannot be set through a React prop).
import { useEffect, useRef } from 'react';

export function StreamVideo({ stream, testid, sessionId, local }: { stream: MediaStream; testid: string; sessionId: string; local?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const v = ref.current;
    if (!v) return;
    v.srcObject = stream;
    v.play().catch(() => undefined);
    return () => {
      v.srcObject = null;
    };
  }, [stream]);
  return <video ref={ref} autoPlay playsInline muted data-testid={testid} data-session-id={sessionId} data-local={String(!!local)} />;
}

/** The screen being shared in my call: mine (local preview) or the sharer's stream; null when none. */
export function screenStreamFor(p: { sharingSessionId: string; mySessionId: string; local: MediaStream | null; remote: Map<string, MediaStream> | undefined }): MediaStream | null {
  if (!p.sharingSessionId) return null;
  if (p.sharingSessionId === p.mySessionId) return p.local;
  return p.remote?.get(p.sharingSessionId) ?? null;
}
