// The media capabilities of every SFU peer connection, as the reference (rtcd sfu.go): Opus PT 111 and VP8
// PT 96 with the reference's RTCP feedback plus transport-cc (as browsers offer it), the audio-level
// extension (VAD), mid and transport-cc on audio, mid/rid/repaired-rid/transport-cc on video. Fresh objects each call: werift keeps references to them per peer connection.
import {
  RTCRtpCodecParameters,
  useAudioLevelIndication,
  useRepairedRtpStreamId,
  useSdesMid,
  useSdesRTPStreamId,
  useTransportWideCC,
  type RTCRtpHeaderExtensionParameters,
} from 'werift';

export const OPUS_MIME = 'audio/opus';
export const VP8_MIME = 'video/VP8';
export const OPUS_PAYLOAD_TYPE = 111;
export const VP8_PAYLOAD_TYPE = 96;
export const AUDIO_LEVEL_URI = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';

export function opusCodec(): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: OPUS_MIME,
    clockRate: 48000,
    channels: 2,
    payloadType: OPUS_PAYLOAD_TYPE,
    parameters: 'minptime=10;useinbandfec=1',
    // Browsers count audio in their bandwidth estimate with it; the SFU's feedback is transport-wide.
    rtcpFeedback: [{ type: 'transport-cc' }],
  });
}

export function vp8Codec(): RTCRtpCodecParameters {
  return new RTCRtpCodecParameters({
    mimeType: VP8_MIME,
    clockRate: 90000,
    payloadType: VP8_PAYLOAD_TYPE,
    rtcpFeedback: [
      { type: 'goog-remb' },
      { type: 'ccm', parameter: 'fir' },
      { type: 'nack' },
      { type: 'nack', parameter: 'pli' },
      { type: 'transport-cc' },
    ],
  });
}

export function sfuCodecs(): { audio: RTCRtpCodecParameters[]; video: RTCRtpCodecParameters[] } {
  return { audio: [opusCodec()], video: [vp8Codec()] };
}

export function sfuHeaderExtensions(): {
  audio: RTCRtpHeaderExtensionParameters[];
  video: RTCRtpHeaderExtensionParameters[];
} {
  return {
    // What browsers negotiate for audio: the level (VAD), mid (their demux) and the transport-wide number
    // (the SFU's feedback covers audio and video together: fast/transport-feedback.ts).
    audio: [useAudioLevelIndication(), useSdesMid(), useTransportWideCC()],
    video: [useSdesMid(), useSdesRTPStreamId(), useRepairedRtpStreamId(), useTransportWideCC()],
  };
}

/** The extension URIs of sfuHeaderExtensions per kind (what the SFU offers on the m-sections it adds). */
export function sfuExtensionUris(): Record<'audio' | 'video', string[]> {
  const e = sfuHeaderExtensions();
  return { audio: e.audio.map((x) => x.uri), video: e.video.map((x) => x.uri) };
}

/** MIME type label of `rtc_rtp_tracks_total` for a track kind (one codec per kind here). */
export function mimeForKind(kind: string): string {
  return kind === 'audio' ? OPUS_MIME : kind === 'video' ? VP8_MIME : 'unknown';
}
