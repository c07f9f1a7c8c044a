// The message box: Enter sends, Shift+Enter adds a line; text starting with "/" is a slash command
// (plugins' hooks first, then POST /api/v4/commands/execute). Errors appear above the box and the
// text stays so nothing typed is lost.
import { useEffect, useRef, useState, type KeyboardEvent } from 'react';
import type { Channel } from '@mattermost/types/channels';
import { useSession } from '../store/hooks.js';
import { SendIcon } from '../ui/icons.js';

// Mattermost's default limit on a post's message.
export const MAX_MESSAGE_LENGTH = 16383;

export function MessageBox({ channel, placeholderName }: { channel: Channel; placeholderName: string }) {
  const session = useSession();
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [sending, setSending] = useState(false);
  const area = useRef<HTMLTextAreaElement>(null);

  useEffect(() => {
    area.current?.focus();
  }, [channel.id]);

  // Grow with the text up to a third of the window, then scroll.
  useEffect(() => {
    const el = area.current;
    if (!el) return;
    el.style.height = 'auto';
    el.style.height = `${Math.min(el.scrollHeight, Math.round(window.innerHeight / 3))}px`;
  }, [text]);

  const send = async () => {
    const message = text.trim();
    if (!message || sending) return;
    if (message.length > MAX_MESSAGE_LENGTH) {
      setError(`Messages can have at most ${MAX_MESSAGE_LENGTH} characters (this one has ${message.length}).`);
      return;
    }
    setSending(true);
    setError('');
    try {
      if (message.startsWith('/')) {
        const problem = await session.executeCommand(channel, message);
        if (problem) {
          setError(problem);
          return;
        }
      } else {
        await session.createPost(channel.id, message);
      }
      setText('');
    } catch (err) {
      setError((err as Error).message);
    } finally {
      setSending(false);
      area.current?.focus();
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && !e.shiftKey && !e.nativeEvent.isComposing) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <div className="message-box-wrap">
      {error && (
        <div className="message-box-error" role="alert">
          {error}
        </div>
      )}
      <div className={`message-box${sending ? ' sending' : ''}`}>
        <textarea
          ref={area}
          rows={1}
          value={text}
          placeholder={`Write to ${placeholderName}`}
          aria-label={`Write to ${placeholderName}`}
          onChange={(e) => {
            setText(e.target.value);
            if (error) setError('');
          }}
          onKeyDown={onKeyDown}
        />
        <button type="button" className="send-button" aria-label="Send" disabled={!text.trim() || sending} onClick={() => void send()}>
          <SendIcon size={18} />
        </button>
      </div>
      <div className="message-box-hint">
        <b>Enter</b> to send, <b>Shift+Enter</b> for a new line, <b>/</b> for commands
      </div>
    </div>
  );
}
