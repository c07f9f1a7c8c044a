// Entry of the web shell bundle (host/dist/web/app.js, served as /static/app.js).
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { Session } from './app/session.js';
import { exposeReactGlobals } from './globals.js';
import './styles/index.css';

// Before any plugin bundle runs: they take React from these globals.
exposeReactGlobals();

const session = new Session();
const rootEl = document.getElementById('root');
if (!rootEl) throw new Error('index.html has no #root element');
createRoot(rootEl).render(<App session={session} />);
void session.boot();
