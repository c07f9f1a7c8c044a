// The Calls end-to-end story in Chromium with the plugin's embedded SFU; this run also saves the README's
// screenshots (e2e/artifacts and docs/screenshots).
import { embeddedMode } from '../../../plugin/test/helpers/media-modes.js';
import { callsE2ESuite } from './suite.js';

callsE2ESuite(embeddedMode, { screenshots: true });
