import path from 'node:path';
import type { Menu as MenuType, MenuItemConstructorOptions, NativeImage, Tray as TrayType } from 'electron';
import type { StatusSummary } from '../../src-common/domain/status';
import type { Disposable } from '../lifecycle';
import type { StatusSnapshot } from '../status/status-snapshot';
import { trayIconFile, trayMenu, trayTitle, trayTooltip, type TrayAction, type TrayMenuItem } from '../status/tray-model';

/** What the tray needs from Electron, passed in so tests can give stand-ins. */
export interface TrayDeps {
  Tray: new (image: NativeImage) => TrayType;
  Menu: { buildFromTemplate(template: MenuItemConstructorOptions[]): MenuType };
  nativeImage: { createFromPath(file: string): NativeImage };
  /** resources/tray (unpacked from the asar in a packaged app: Linux tray hosts read the file). */
  iconDir: string;
  platform: NodeJS.Platform;
  onAction(action: TrayAction): void;
}

/** The tray model's items as Electron's menu template. */
export function menuTemplate(items: TrayMenuItem[], onAction: (action: TrayAction) => void): MenuItemConstructorOptions[] {
  return items.map((item): MenuItemConstructorOptions => {
    switch (item.type) {
      case 'separator':
        return { type: 'separator' };
      case 'label':
        return { label: item.label, enabled: false };
      case 'action':
        return { label: item.label, click: () => onAction(item.action) };
      case 'submenu':
        return { label: item.label, submenu: menuTemplate(item.items, onAction) };
    }
  });
}

/** The tray icon: its image, tooltip and menu follow the status model. */
export class TrayIcon implements Disposable {
  private readonly tray: TrayType;
  private icon: string | null = null;

  constructor(
    private readonly deps: TrayDeps,
    snapshot: StatusSnapshot,
    summary: StatusSummary,
  ) {
    this.tray = new deps.Tray(this.image(summary));
    // Windows and Linux open the window on a click; macOS opens the menu itself.
    if (deps.platform !== 'darwin') this.tray.on('click', () => deps.onAction({ kind: 'open', route: '' }));
    this.update(snapshot, summary);
  }

  update(snapshot: StatusSnapshot, summary: StatusSummary): void {
    const file = trayIconFile(summary.state, this.deps.platform);
    if (file !== this.icon) this.tray.setImage(this.image(summary));
    this.tray.setToolTip(trayTooltip(summary));
    if (this.deps.platform === 'darwin') this.tray.setTitle(trayTitle(summary));
    this.tray.setContextMenu(this.deps.Menu.buildFromTemplate(menuTemplate(trayMenu(snapshot, summary), this.deps.onAction)));
  }

  dispose(): void {
    this.tray.destroy();
  }

  private image(summary: StatusSummary): NativeImage {
    this.icon = trayIconFile(summary.state, this.deps.platform);
    // The @2x file next to it is picked up for HiDPI screens.
    return this.deps.nativeImage.createFromPath(path.join(this.deps.iconDir, this.icon));
  }
}
