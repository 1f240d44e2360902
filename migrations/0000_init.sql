CREATE TABLE `audit_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`entity_type` text NOT NULL,
	`entity_id` text NOT NULL,
	`action` text NOT NULL,
	`actor` text NOT NULL,
	`at` integer NOT NULL,
	`changes` text
);
--> statement-breakpoint
CREATE INDEX `audit_events_entity_idx` ON `audit_events` (`entity_type`,`entity_id`,`at`);--> statement-breakpoint
CREATE TABLE `chat_locales` (
	`chat_id` text NOT NULL,
	`locale` text NOT NULL,
	`url` text NOT NULL,
	`display_name` text,
	`logo_url` text,
	`accent_color` text,
	`email_sender_name` text,
	`email_subject` text,
	`email_body` text,
	`sms_body` text,
	PRIMARY KEY(`chat_id`, `locale`),
	FOREIGN KEY (`chat_id`) REFERENCES `chats`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `chat_responses` (
	`member_id` integer NOT NULL,
	`chat_id` text NOT NULL,
	`question` text NOT NULL,
	`value` text NOT NULL,
	`answered_at` integer NOT NULL,
	PRIMARY KEY(`member_id`, `chat_id`, `question`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `chat_responses_question_idx` ON `chat_responses` (`chat_id`,`question`,`value`);--> statement-breakpoint
CREATE TABLE `chats` (
	`id` text PRIMARY KEY NOT NULL,
	`name` text NOT NULL,
	`default_locale` text NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE TABLE `import_rows` (
	`import_id` text NOT NULL,
	`seq` integer NOT NULL,
	`line` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`import_id`, `seq`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE TABLE `invitations` (
	`id` text PRIMARY KEY NOT NULL,
	`chat_id` text NOT NULL,
	`name` text NOT NULL,
	`description` text,
	`locale` text NOT NULL,
	`schedule_mode` text NOT NULL,
	`time_zone` text NOT NULL,
	`opens_local` text,
	`closes_local` text,
	`opens_at` integer NOT NULL,
	`closes_at` integer NOT NULL,
	`response_limit` integer,
	`target` text NOT NULL,
	`same_locale_only` integer DEFAULT false NOT NULL,
	`live_audience` integer DEFAULT true NOT NULL,
	`cooldown_days` integer,
	`channel` text NOT NULL,
	`email_subject` text,
	`email_body` text,
	`sms_body` text,
	`slack_channel_id` text,
	`slack_message_ts` text,
	`created_by` text NOT NULL,
	`status` text NOT NULL,
	`close_reason` text,
	`closed_by` text,
	`approval_required` integer DEFAULT false NOT NULL,
	`approved_by` text,
	`approved_at` integer,
	`scheduled_at` integer,
	`opened_at` integer,
	`closed_at` integer,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL,
	`version` integer DEFAULT 1 NOT NULL,
	FOREIGN KEY (`chat_id`) REFERENCES `chats`(`id`) ON UPDATE no action ON DELETE no action
);
--> statement-breakpoint
CREATE INDEX `invitations_status_opens_idx` ON `invitations` (`status`,`opens_at`);--> statement-breakpoint
CREATE INDEX `invitations_status_closes_idx` ON `invitations` (`status`,`closes_at`);--> statement-breakpoint
CREATE INDEX `invitations_chat_idx` ON `invitations` (`chat_id`,`status`);--> statement-breakpoint
CREATE TABLE `member_attributes` (
	`member_id` integer NOT NULL,
	`key` text NOT NULL,
	`type` text NOT NULL,
	`value_text` text NOT NULL,
	`value_num` real,
	PRIMARY KEY(`member_id`, `key`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE INDEX `member_attributes_text_idx` ON `member_attributes` (`key`,`value_text`);--> statement-breakpoint
CREATE INDEX `member_attributes_num_idx` ON `member_attributes` (`key`,`type`,`value_num`);--> statement-breakpoint
CREATE TABLE `members` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`external_id` text NOT NULL,
	`email` text,
	`phone` text,
	`preferred_locale` text,
	`time_zone` text DEFAULT 'UTC' NOT NULL,
	`preferred_channel` text,
	`subscribed` integer DEFAULT true NOT NULL,
	`unsubscribed_at` integer,
	`email_opt_out_at` integer,
	`email_suppressed_at` integer,
	`email_suppression_reason` text,
	`sms_opt_out_at` integer,
	`sms_suppressed_at` integer,
	`sms_suppression_reason` text,
	`attributes` text DEFAULT '{}' NOT NULL,
	`created_at` integer NOT NULL,
	`updated_at` integer NOT NULL
);
--> statement-breakpoint
CREATE UNIQUE INDEX `members_external_id_unique` ON `members` (`external_id`);--> statement-breakpoint
CREATE INDEX `members_preferred_locale_idx` ON `members` (`preferred_locale`);--> statement-breakpoint
CREATE TABLE `participations` (
	`invitation_id` text NOT NULL,
	`member_id` integer NOT NULL,
	`chat_id` text NOT NULL,
	`token` text,
	`channel` text NOT NULL,
	`targeted_at` integer NOT NULL,
	`sent_at` integer,
	`delivered_at` integer,
	`failed_at` integer,
	`bounced_at` integer,
	`failure_code` text,
	`failure_reason` text,
	`clicked_at` integer,
	`completed_at` integer,
	`completed_after_close` integer,
	`cancelled_at` integer,
	`cancel_reason` text,
	PRIMARY KEY(`invitation_id`, `member_id`)
) WITHOUT ROWID;
--> statement-breakpoint
CREATE UNIQUE INDEX `participations_token_unique` ON `participations` (`token`) WHERE "participations"."token" IS NOT NULL;--> statement-breakpoint
CREATE INDEX `participations_member_idx` ON `participations` (`member_id`,`chat_id`,`targeted_at`,`completed_at`);