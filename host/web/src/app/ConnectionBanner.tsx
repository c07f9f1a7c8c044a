// Tells the user when the live connection is down (after a short grace period, so a quick reconnect
// does not flash a banner).
import { useEffect, useState } from 'react';
import { useSelector } from '../store/hooks.js';
import { AlertIcon } from '../ui/icons.js';

const GRACE_MS = 2500;

export function ConnectionBanner() {
  const ws = useSelector((s) => s.websocket);
  const down = !ws.connected && ws.lastConnectAt > 0;
  const [show, setShow] = useState(false);
  useEffect(() => {
    if (!down) {
      setShow(false);
      return;
    }
    const t = setTimeout(() => setShow(true), GRACE_MS);
    return () => clearTimeout(t);
  }, [down]);
  if (!show) return null;
  return (
    <div className="connection-banner" role="status">
      <AlertIcon size={16} /> Cannot connect to the server. Trying to reconnect…
    </div>
  );
}
