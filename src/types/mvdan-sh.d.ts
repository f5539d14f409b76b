// mvdan-sh ships no type declarations; the engine wraps it in src/shell/ and only that module sees `any`.
declare module 'mvdan-sh' {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const sh: any;
  export default sh;
}
