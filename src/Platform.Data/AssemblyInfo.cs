namespace Platform.Data;
