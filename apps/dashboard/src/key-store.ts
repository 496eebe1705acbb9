/**
 * The admin key, for this browser tab's session only: sessionStorage ends with the tab, is never sent anywhere by
 * the browser (unlike a cookie) and never appears in a URL.
 */
const name = 'ccb.adminKey';

export const keyStore = {
  get(): string | null {
    try {
      return sessionStorage.getItem(name);
    } catch {
      return null;
    }
  },
  set(key: string): void {
    sessionStorage.setItem(name, key);
  },
  clear(): void {
    sessionStorage.removeItem(name);
  },
};
