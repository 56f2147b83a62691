import type { ReactNode } from 'react';
import type { AppErrorData } from '../../src-common/result';

/** A friendly placeholder for an empty list or a section still to come. */
export function EmptyState({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty-state">
      <h2>{title}</h2>
      {children ? <div className="muted">{children}</div> : null}
    </div>
  );
}

/** The core's error, readable, with a retry when it makes sense. */
export function ErrorBanner({ error, onRetry }: { error: AppErrorData; onRetry?: () => void }) {
  return (
    <div className="error-banner" role="alert">
      <span>{error.message}</span>
      {onRetry ? (
        <button type="button" className="button small" onClick={onRetry}>
          Retry
        </button>
      ) : null}
    </div>
  );
}

/** A status in a colored pill: its own words when given (a board column's), else the status with spaces. */
export function StatusBadge({ status, title, label }: { status: string; title?: string | undefined; label?: string }) {
  return (
    <span className={`badge badge-${status.replace(/[^a-z_]/g, '')}`} title={title}>
      {label ?? status.replace(/_/g, ' ')}
    </span>
  );
}

/** Placeholder rows while a list loads. */
export function LoadingRows({ label, rows = 3 }: { label: string; rows?: number }) {
  return (
    <div className="loading" aria-busy="true" aria-label={label}>
      {Array.from({ length: rows }, (_, i) => (
        <div key={i} className="skeleton" />
      ))}
    </div>
  );
}

/** A page's title bar. */
export function PageHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      <div className="page-actions">{children}</div>
    </header>
  );
}
