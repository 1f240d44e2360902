-- Keeps member_attributes (the typed, indexed copy of members.attributes that filters read)
-- in step with members.attributes, inside the same statement, whatever writes the member.
-- Typing rule (documented in README): JSON numbers are 'number'; true/false are 'boolean';
-- strings starting YYYY-MM-DD that SQLite can read as a date are 'date' (value_num = epoch ms);
-- other strings are 'string'. Nulls, arrays and objects are not indexed.
-- drizzle-kit cannot express triggers, hence this hand-written migration.
CREATE TRIGGER `members_attributes_after_insert` AFTER INSERT ON `members` BEGIN
  INSERT INTO `member_attributes` (`member_id`, `key`, `type`, `value_text`, `value_num`)
  SELECT NEW.`id`, j.`key`,
    CASE
      WHEN j.`type` IN ('integer', 'real') THEN 'number'
      WHEN j.`type` IN ('true', 'false') THEN 'boolean'
      WHEN j.`atom` GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' AND julianday(j.`atom`) IS NOT NULL THEN 'date'
      ELSE 'string'
    END,
    CASE WHEN j.`type` IN ('true', 'false') THEN j.`type` ELSE CAST(j.`atom` AS TEXT) END,
    CASE
      WHEN j.`type` IN ('integer', 'real') THEN j.`atom`
      WHEN j.`type` = 'true' THEN 1
      WHEN j.`type` = 'false' THEN 0
      WHEN j.`atom` GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN CAST(round((julianday(j.`atom`) - 2440587.5) * 86400000) AS INTEGER)
    END
  FROM json_each(NEW.`attributes`) AS j
  WHERE j.`type` IN ('integer', 'real', 'true', 'false', 'text');
END;
--> statement-breakpoint
CREATE TRIGGER `members_attributes_after_update` AFTER UPDATE OF `attributes` ON `members`
WHEN OLD.`attributes` IS NOT NEW.`attributes` BEGIN
  DELETE FROM `member_attributes` WHERE `member_id` = OLD.`id`;
  INSERT INTO `member_attributes` (`member_id`, `key`, `type`, `value_text`, `value_num`)
  SELECT NEW.`id`, j.`key`,
    CASE
      WHEN j.`type` IN ('integer', 'real') THEN 'number'
      WHEN j.`type` IN ('true', 'false') THEN 'boolean'
      WHEN j.`atom` GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' AND julianday(j.`atom`) IS NOT NULL THEN 'date'
      ELSE 'string'
    END,
    CASE WHEN j.`type` IN ('true', 'false') THEN j.`type` ELSE CAST(j.`atom` AS TEXT) END,
    CASE
      WHEN j.`type` IN ('integer', 'real') THEN j.`atom`
      WHEN j.`type` = 'true' THEN 1
      WHEN j.`type` = 'false' THEN 0
      WHEN j.`atom` GLOB '[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]*' THEN CAST(round((julianday(j.`atom`) - 2440587.5) * 86400000) AS INTEGER)
    END
  FROM json_each(NEW.`attributes`) AS j
  WHERE j.`type` IN ('integer', 'real', 'true', 'false', 'text');
END;
--> statement-breakpoint
CREATE TRIGGER `members_attributes_after_delete` AFTER DELETE ON `members` BEGIN
  DELETE FROM `member_attributes` WHERE `member_id` = OLD.`id`;
END;
