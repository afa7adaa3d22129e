/** GitHub names app accounts `<app>[bot]`; the local and fake forges recognise bots by the same suffix. */
export function isBotLogin(login: string): boolean {
  return login.endsWith('[bot]');
}
