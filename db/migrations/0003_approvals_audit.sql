ALTER TABLE `approvals` ADD `tool_use_id` text;--> statement-breakpoint
ALTER TABLE `sessions` ADD `activity` text;--> statement-breakpoint
ALTER TABLE `tool_calls` ADD `reason` text;