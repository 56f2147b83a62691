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
