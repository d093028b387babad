"""nianbao: crawler and public archive of 政府信息公开工作年度报告."""
