DROP INDEX `verification_runs_task_idx`;--> statement-breakpoint
CREATE INDEX `verification_runs_task_created_idx` ON `verification_runs` (`task_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `approvals_created_idx` ON `approvals` (`created_at`);--> statement-breakpoint
CREATE INDEX `sessions_external_idx` ON `sessions` (`external_id`,`agent_kind`,`created_at`);--> statement-breakpoint
CREATE INDEX `sessions_status_idx` ON `sessions` (`status`);--> statement-breakpoint
CREATE INDEX `sessions_recent_idx` ON `sessions` (coalesce("ended_at", "started_at", "created_at"));