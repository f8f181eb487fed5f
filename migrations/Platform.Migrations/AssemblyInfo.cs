namespace Platform.Migrations;
