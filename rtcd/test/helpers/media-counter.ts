// Counting received media before werift (load generators): the client library's counter (@calls-ts/rtcd/client).
export { MediaCounter, countMediaOnly } from '@calls-ts/rtcd/client';
