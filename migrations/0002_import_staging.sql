CREATE TABLE `import_rows` (
	`import_id` text NOT NULL,
	`seq` integer NOT NULL,
	`line` integer NOT NULL,
	`data` text NOT NULL,
	PRIMARY KEY(`import_id`, `seq`)
) WITHOUT ROWID;
