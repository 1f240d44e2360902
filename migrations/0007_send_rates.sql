CREATE TABLE `send_rates` (
	`channel` text PRIMARY KEY NOT NULL,
	`next_free_at` integer NOT NULL
);
