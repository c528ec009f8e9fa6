// The entry the bundler starts from.
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';

const container = document.getElementById('root');
if (container === null) throw new Error('index.html has no #root');
const params = new URLSearchParams(location.search);
createRoot(container).render(
  <StrictMode>
    <App url={params.get('ws') ?? `ws://${location.host}/live`} token={params.get('token') ?? 'demo'} />
  </StrictMode>,
);
