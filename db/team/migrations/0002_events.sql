CREATE TABLE "events" (
	"org_id" uuid NOT NULL,
	"device_id" uuid NOT NULL,
	"device_seq" bigint NOT NULL,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	"extra" jsonb,
	"id" text NOT NULL,
	"created_at" bigint NOT NULL,
	"updated_at" bigint NOT NULL,
	"type" text NOT NULL,
	"subject_table" text,
	"subject_id" text,
	"at" bigint NOT NULL,
	"data" text NOT NULL,
	CONSTRAINT "events_org_id_id_pk" PRIMARY KEY("org_id","id")
);
--> statement-breakpoint
ALTER TABLE "events" ENABLE ROW LEVEL SECURITY;--> statement-breakpoint
CREATE UNIQUE INDEX "events_device_seq_unique" ON "events" USING btree ("org_id","device_id","device_seq");--> statement-breakpoint
CREATE POLICY "org_isolation" ON "events" AS PERMISSIVE FOR ALL TO public USING (org_id = nullif(current_setting('app.org_id', true), '')::uuid) WITH CHECK (org_id = nullif(current_setting('app.org_id', true), '')::uuid);--> statement-breakpoint
-- As 0001 does for the others: the owner is bound by the policy too.
ALTER TABLE "events" FORCE ROW LEVEL SECURITY;