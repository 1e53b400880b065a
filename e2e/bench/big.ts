// The benches' big scenario and the moves they make in it.
import { Page } from '@playwright/test';

/** A script of `jails` vnet jails, each with gif0, gre0 and lo0 and the b end of an epair
 *  loaned to it, all removed at the end: 84 jails make 505 canvas objects. */
export function bigScript(jails: number): string {
  const l: string[] = [];
  for (let i = 1; i <= jails; i++) {
    l.push(`jail -c name=j${i} vnet persist`);
    l.push(`ifconfig epair${i} create`);
    l.push(`ifconfig epair${i}b vnet j${i}`);
    l.push(`jexec j${i} ifconfig gif0 create`);
    l.push(`jexec j${i} ifconfig gif0 tunnel 192.0.2.1 192.0.2.2`);
    l.push(`jexec j${i} ifconfig gre0 create`);
  }
  for (let i = 1; i <= jails; i++) l.push(`jail -r j${i}`);
  return l.join('\n') + '\n';
}

/** One step, as the page's own Next button takes it. */
export const NEXT = `document.querySelector('[data-testid="step-next"]').click()`;

/** Puts the player at step k (the scrubber's own input event) and lets it settle. */
export async function goTo(page: Page, k: number, settleMs = 400) {
  await page.evaluate((k) => {
    const r = document.querySelector('[data-testid="scrubber"]') as HTMLInputElement;
    r.value = String(k);
    r.dispatchEvent(new Event('input', { bubbles: true }));
  }, k);
  await page.waitForTimeout(settleMs);
}
