// The Calls end-to-end story in Chromium with media offloaded to a real rtcd daemon.
import { rtcdMode } from '../../../plugin/test/rtcd/support/rtcd-mode.js';
import { callsE2ESuite } from './suite.js';

callsE2ESuite(rtcdMode, { screenshots: false });
