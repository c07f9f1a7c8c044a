// The Calls end-to-end story in Chromium with the plugin's embedded SFU; this run also saves the README's
// screenshots (e2e/artifacts; docs/screenshots with UPDATE_SCREENSHOTS=1).
import { embeddedMode } from '../../../plugin/test/helpers/media-modes.js';
import { callsE2ESuite } from './suite.js';

callsE2ESuite(embeddedMode, { screenshots: true });
