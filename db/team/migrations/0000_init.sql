CREATE TABLE "admin_tokens" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "admin_tokens_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "admin_tokens" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "agent_runs" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint,
	"session_id" text,
	"task_id" text,
	"kind" text NOT NULL,
	"command" text,
	"status" text NOT NULL,
	"exit_code" bigint,
	"duration_ms" bigint,
	"output_file" text,
	CONSTRAINT "agent_runs_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "agent_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "approvals" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint,
	"session_id" text,
	"project_id" text,
	"worktree_id" text,
	"tool_name" text NOT NULL,
	"input" text NOT NULL,
	"preview" text,
	"status" text NOT NULL,
	"decision" text,
	"reason" text,
	"decided_by" text,
	"decided_at" bigint,
	"waited_ms" bigint,
	"tool_use_id" text,
	CONSTRAINT "approvals_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "approvals" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "devices" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"name" text NOT NULL,
	"platform" text NOT NULL,
	"token_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"last_seen_at" timestamp with time zone,
	"revoked_at" timestamp with time zone,
	CONSTRAINT "devices_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "devices" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "invites" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"member_id" uuid NOT NULL,
	"code_hash" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"used_at" timestamp with time zone,
	"device_id" uuid,
	CONSTRAINT "invites_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "invites" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "machines" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint,
	"hostname" text NOT NULL,
	"platform" text NOT NULL,
	"is_local" boolean NOT NULL,
	CONSTRAINT "machines_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "machines" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "members" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"name" text NOT NULL,
	"role" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "members_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "members" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "messages" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"session_id" text NOT NULL,
	"role" text NOT NULL,
	"text" text NOT NULL,
	"sequence" bigint NOT NULL,
	"timestamp" bigint,
	"external_id" text,
	"model" text,
	"input_tokens" bigint,
	"output_tokens" bigint,
	"cache_read_tokens" bigint,
	"cache_write_tokens" bigint,
	"kind" text NOT NULL,
	"usage_key" text,
	CONSTRAINT "messages_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "messages" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "orgs" (
	"org_id" uuid PRIMARY KEY NOT NULL,
	"name" text NOT NULL,
	"content_level" text DEFAULT 'everything' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "orgs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "permission_rules" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint,
	"effect" text NOT NULL,
	"tool_name" text NOT NULL,
	"pattern" text,
	"scope" text NOT NULL,
	"project_id" text,
	"session_id" text,
	CONSTRAINT "permission_rules_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "permission_rules" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "projects" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint,
	"name" text NOT NULL,
	"path" text NOT NULL,
	"config" text NOT NULL,
	CONSTRAINT "projects_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "projects" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sessions" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint,
	"source" text NOT NULL,
	"agent_kind" text NOT NULL,
	"project_id" text,
	"worktree_id" text,
	"workspace_id" text,
	"machine_id" text,
	"task_id" text,
	"profile_id" text,
	"external_id" text,
	"title" text,
	"status" text NOT NULL,
	"status_detail" text,
	"activity" text,
	"prompt" text,
	"cwd" text,
	"models" text NOT NULL,
	"transcript_path" text,
	"exit_code" bigint,
	"started_at" bigint,
	"ended_at" bigint,
	CONSTRAINT "sessions_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "sessions" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sync_cursors" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"stream" text NOT NULL,
	"acked_seq" bigint DEFAULT 0 NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_cursors_org_id_device_id_stream_pk" PRIMARY KEY("org_id","device_id","stream")
);
--> statement-breakpoint
ALTER TABLE "sync_cursors" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sync_rejections" (
	"org_id" uuid NOT NULL,
	"id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"stream" text NOT NULL,
	"device_seq" bigint NOT NULL,
	"row_id" text,
	"reason" text NOT NULL,
	"row" text NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_rejections_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "sync_rejections" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "sync_tombstones" (
	"org_id" uuid NOT NULL,
	"tbl" text NOT NULL,
	"row_id" text NOT NULL,
	"device_id" uuid NOT NULL,
	"deleted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sync_tombstones_org_id_tbl_row_id_pk" PRIMARY KEY("org_id","tbl","row_id")
);
--> statement-breakpoint
ALTER TABLE "sync_tombstones" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tasks" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint,
	"project_id" text NOT NULL,
	"profile_id" text,
	"worktree_id" text,
	"title" text NOT NULL,
	"description" text,
	"labels" text NOT NULL,
	"column" text NOT NULL,
	"position" double precision NOT NULL,
	"rejection_count" bigint NOT NULL,
	"approved_by" text,
	"approved_at" bigint,
	"session_id" text,
	"diff_summary" text,
	"gate_detail" text,
	CONSTRAINT "tasks_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "tasks" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "tool_calls" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"session_id" text NOT NULL,
	"message_id" text,
	"external_id" text,
	"name" text NOT NULL,
	"input" text NOT NULL,
	"output_summary" text,
	"output_file" text,
	"status" text NOT NULL,
	"decision" text,
	"decided_by" text,
	"reason" text,
	"duration_ms" bigint,
	"turn" bigint,
	CONSTRAINT "tool_calls_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "tool_calls" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "usage_records" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"key" text NOT NULL,
	"session_id" text NOT NULL,
	"day" text NOT NULL,
	"agent_kind" text NOT NULL,
	"model" text NOT NULL,
	"project_key" text NOT NULL,
	"input_tokens" bigint NOT NULL,
	"output_tokens" bigint NOT NULL,
	"cache_read_tokens" bigint NOT NULL,
	"cache_write_tokens" bigint NOT NULL,
	CONSTRAINT "usage_records_org_id_device_id_key_pk" PRIMARY KEY("org_id","device_id","key")
);
--> statement-breakpoint
ALTER TABLE "usage_records" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "verification_runs" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint,
	"task_id" text NOT NULL,
	"command" text NOT NULL,
	"status" text NOT NULL,
	"exit_code" bigint,
	"duration_ms" bigint,
	"output_file" text,
	"output_tail" text,
	CONSTRAINT "verification_runs_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "verification_runs" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "workspaces" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint,
	"machine_id" text,
	"project_id" text,
	"source" text NOT NULL,
	"external_id" text,
	"folder" text,
	CONSTRAINT "workspaces_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "workspaces" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE TABLE "worktrees" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"version" bigint NOT NULL,
	"deleted_at" bigint,
	"project_id" text NOT NULL,
	"branch" text NOT NULL,
	"base_ref" text NOT NULL,
	"path" text NOT NULL,
	"status" text NOT NULL,
	"error" text,
	"external" boolean NOT NULL,
	"init_log" text,
	"snapshot_ref" text,
	CONSTRAINT "worktrees_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "worktrees" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE UNIQUE INDEX "agent_runs_device_seq_unique" ON "agent_runs" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "approvals_device_seq_unique" ON "approvals" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "machines_device_seq_unique" ON "machines" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "members_name_unique" ON "members" USING btree ("org_id","name");--> statement-breakpoint
CREATE UNIQUE INDEX "messages_device_seq_unique" ON "messages" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "permission_rules_device_seq_unique" ON "permission_rules" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "projects_device_seq_unique" ON "projects" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "sessions_device_seq_unique" ON "sessions" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "sync_rejections_device_seq_unique" ON "sync_rejections" USING btree ("org_id","device_id","stream","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "tasks_device_seq_unique" ON "tasks" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "tool_calls_device_seq_unique" ON "tool_calls" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "usage_records_device_seq_unique" ON "usage_records" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "verification_runs_device_seq_unique" ON "verification_runs" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "workspaces_device_seq_unique" ON "workspaces" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE UNIQUE INDEX "worktrees_device_seq_unique" ON "worktrees" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE POLICY "org_isolation" ON "admin_tokens" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "agent_runs" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "approvals" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "devices" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "invites" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "machines" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "members" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "messages" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "orgs" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "permission_rules" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "projects" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "sessions" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "sync_cursors" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "sync_rejections" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "sync_tombstones" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "tasks" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "tool_calls" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "usage_records" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "verification_runs" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "workspaces" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
CREATE POLICY "org_isolation" ON "worktrees" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);