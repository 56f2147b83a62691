import { closeAction } from '../status/tray-support';

/** A window whose close can be turned into a hide. */
export interface ClosableWindow {
  on(event: 'close', listener: (event: { preventDefault(): void }) => void): unknown;
  hide(): void;
}

/**
 * Closing the window hides it while Pitwall lives in the tray (the setting, and a tray to come back
 * through), so approvals keep reaching the person; `onHidden` is told each time.
 */
export function keepInTray(win: ClosableWindow, state: () => { closeToTray: boolean; trayAvailable: boolean; quitting: boolean }, onHidden: () => void): void {
  win.on('close', (event) => {
    if (closeAction(state()) !== 'hide') return;
    event.preventDefault();
    win.hide();
    onHidden();
  });
}
