// A stand-in for the 'electron' module (the binary cannot exist in CI): records what the glue
// asks of Electron so tests can check it. Only what src-main/electron/ uses is here.

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a stand-in takes whatever the glue passes
type Handler = (...args: any[]) => unknown;

/** Records handle/removeHandler calls. */
export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, handler: Handler): void {
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, handler);
  },
  removeHandler(channel: string): void {
    this.handlers.delete(channel);
  },
};

/** A fake webContents. */
export class WebContents {
  sent: unknown[][] = [];
  listeners = new Map<string, Handler>();
  openHandler: Handler | null = null;
  destroyed = false;
  send(...args: unknown[]): void {
    this.sent.push(args);
  }
  on(event: string, listener: Handler): this {
    this.listeners.set(event, listener);
    return this;
  }
  setWindowOpenHandler(handler: Handler): void {
    this.openHandler = handler;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
}

/** A fake BrowserWindow that records its options and what it loaded. */
export class BrowserWindow {
  static instances: BrowserWindow[] = [];
  webContents = new WebContents();
  loaded: { file?: string; url?: string } = {};
  shown = false;
  private readonly onceListeners = new Map<string, Handler>();
  constructor(readonly options: Record<string, unknown>) {
    BrowserWindow.instances.push(this);
  }
  on(): this {
    return this;
  }
  once(event: string, listener: Handler): this {
    this.onceListeners.set(event, listener);
    return this;
  }
  emit(event: string): void {
    this.onceListeners.get(event)?.();
  }
  show(): void {
    this.shown = true;
  }
  loadFile(file: string): Promise<void> {
    this.loaded.file = file;
    return Promise.resolve();
  }
  loadURL(url: string): Promise<void> {
    this.loaded.url = url;
    return Promise.resolve();
  }
}

/** Records the headers hook and the permission handlers. */
export const session = {
  defaultSession: {
    webRequest: {
      headersHook: null as Handler | null,
      onHeadersReceived(listener: Handler): void {
        this.headersHook = listener;
      },
    },
    permissionRequestHandler: null as Handler | null,
    permissionCheckHandler: null as Handler | null,
    setPermissionRequestHandler(handler: Handler | null): void {
      this.permissionRequestHandler = handler;
    },
    setPermissionCheckHandler(handler: Handler | null): void {
      this.permissionCheckHandler = handler;
    },
  },
};

/** Records links opened outside. */
export const shell = {
  opened: [] as string[],
  openExternal(url: string): Promise<void> {
    this.opened.push(url);
    return Promise.resolve();
  },
};

/** A fake NativeImage: remembers the file it came from. */
export class NativeImage {
  constructor(readonly file: string) {}
}

/** Records images made from files. */
export const nativeImage = {
  createFromPath(file: string): NativeImage {
    return new NativeImage(file);
  },
};

/** A menu built from a template: keeps the template so tests can read and click it. */
export class Menu {
  constructor(readonly template: MenuItemTemplate[]) {}
  static buildFromTemplate(template: MenuItemTemplate[]): Menu {
    return new Menu(template);
  }
  static setApplicationMenu(): void {}
}

/** The fields of a menu template item the glue uses. */
export interface MenuItemTemplate {
  label?: string;
  type?: string;
  enabled?: boolean;
  role?: string;
  click?: () => void;
  submenu?: MenuItemTemplate[];
}

/** A fake Tray that records what the glue set on it. */
export class Tray {
  static instances: Tray[] = [];
  image: NativeImage;
  tooltip = '';
  title = '';
  menu: Menu | null = null;
  destroyed = false;
  imagesSet = 0;
  listeners = new Map<string, Handler>();
  constructor(image: NativeImage) {
    this.image = image;
    Tray.instances.push(this);
  }
  setImage(image: NativeImage): void {
    this.image = image;
    this.imagesSet++;
  }
  setToolTip(text: string): void {
    this.tooltip = text;
  }
  setTitle(text: string): void {
    this.title = text;
  }
  setContextMenu(menu: Menu): void {
    this.menu = menu;
  }
  on(event: string, listener: Handler): this {
    this.listeners.set(event, listener);
    return this;
  }
  destroy(): void {
    this.destroyed = true;
  }
}

/** A fake OS notification: records its options, whether it was shown or closed, and its listeners. */
export class Notification {
  static supported = true;
  static instances: Notification[] = [];
  shown = false;
  closed = false;
  listeners = new Map<string, Handler>();
  constructor(readonly options: { title?: string; body?: string; actions?: { type: string; text?: string }[] }) {
    Notification.instances.push(this);
  }
  static isSupported(): boolean {
    return Notification.supported;
  }
  on(event: string, listener: Handler): this {
    this.listeners.set(event, listener);
    return this;
  }
  show(): void {
    this.shown = true;
  }
  close(): void {
    this.closed = true;
    this.listeners.get('close')?.({});
  }
  /** What a person's click (or a button, by index) would do. */
  emit(event: string, ...args: unknown[]): void {
    this.listeners.get(event)?.({}, ...args);
  }
}
