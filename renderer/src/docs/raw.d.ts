/** Vite's `?raw` imports: the file's text, bundled into the renderer (so shipped with the app). */
declare module '*.md?raw' {
  const text: string;
  export default text;
}
