/**
 * Collects output chunks and hands them on as one buffer about every `intervalMs`, or at once
 * when `maxBytes` have piled up: fewer, larger messages on the way to the renderer.
 */
export class OutputBatcher {
  private chunks: Buffer[] = [];
  private size = 0;
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly flushTo: (data: Buffer) => void,
    private readonly intervalMs = 16,
    private readonly maxBytes = 64 * 1024,
  ) {}

  push(chunk: Buffer): void {
    this.chunks.push(chunk);
    this.size += chunk.length;
    if (this.size >= this.maxBytes) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.intervalMs);
  }

  /** Hands on whatever is pending now. */
  flush(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    if (this.size === 0) return;
    const data = this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks, this.size);
    this.chunks = [];
    this.size = 0;
    this.flushTo(data);
  }

  dispose(): void {
    this.flush();
  }
}
