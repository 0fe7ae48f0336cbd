import { createRoot } from 'react-dom/client';

// The reference for the renderer benchmark: a bare React page built by the same Vite setup.
const root = document.getElementById('root');
if (root) createRoot(root).render(<h1>Bare React page</h1>);
