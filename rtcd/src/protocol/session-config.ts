// SessionConfig as rtcd's HTTP API serialises it: the reference struct has no json tags, so the keys are
// the Go field names (GroupID, CallID, UserID, SessionID, Props). Used by rtcd and by the plugin's client.
import { z } from 'zod';
import type { SessionConfig } from '../rtc/types.js';

export interface SessionConfigJSON {
  GroupID: string;
  CallID: string;
  UserID: string;
  SessionID: string;
  Props: { channelID: string | null; av1Support: boolean | null; dcSignaling: boolean | null };
}

export function sessionConfigToJSON(cfg: SessionConfig): SessionConfigJSON {
  return {
    GroupID: cfg.groupID,
    CallID: cfg.callID,
    UserID: cfg.userID,
    SessionID: cfg.sessionID,
    Props: {
      channelID: cfg.props.channelID ?? null,
      av1Support: cfg.props.av1Support ?? null,
      dcSignaling: cfg.props.dcSignaling ?? null,
    },
  };
}

const nullable = <T extends z.ZodType>(t: T) => t.nullish().transform((v) => v ?? undefined);
const sessionConfigJSONSchema = z.object({
  GroupID: z.string(),
  CallID: z.string(),
  UserID: z.string(),
  SessionID: z.string(),
  Props: z
    .object({ channelID: nullable(z.string()), av1Support: nullable(z.boolean()), dcSignaling: nullable(z.boolean()) })
    .nullish(),
});

/** Parses one SessionConfig from rtcd's JSON (throws a ZodError on a wrong shape). */
export function sessionConfigFromJSON(value: unknown): SessionConfig {
  const v = sessionConfigJSONSchema.parse(value);
  const props: SessionConfig['props'] = {};
  if (v.Props?.channelID !== undefined) props.channelID = v.Props.channelID;
  if (v.Props?.av1Support !== undefined) props.av1Support = v.Props.av1Support;
  if (v.Props?.dcSignaling !== undefined) props.dcSignaling = v.Props.dcSignaling;
  return { groupID: v.GroupID, callID: v.CallID, userID: v.UserID, sessionID: v.SessionID, props };
}
