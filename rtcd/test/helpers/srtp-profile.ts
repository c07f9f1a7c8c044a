// Restricting a test client's DTLS-SRTP profiles: the client library's helper (@calls-ts/rtcd/client).
export { restrictSrtpProfile } from '@calls-ts/rtcd/client';
