"""Traditional -> simplified for structural words and headings, and whitespace helpers."""

from __future__ import annotations

import re

# Pairs of (traditional, simplified). Not a full converter: the structural
# characters of labels (條/編/節/錄) plus the characters common in heading
# titles of laws and regulations, so 第一章 總則 -> 第一章 总则. Article text and
# the draft title are left as printed; only labels and headings are normalised.
_PAIRS = """
條条 編编 節节 總总 則则 錄录 項项 號号 章章 覽览 據据 稱称 職职 權权 責责 務务 義义 規规 範范
國国 區区 縣县 鄉乡 鎮镇 會会 員员 長长 門门 們们 個个 來来 為为 爲为 這这 對对 時时 實实 現现
經经 當当 從从 關关 於于 開开 學学 問问 應应 無无 將将 報报 體体 業业 電电 書书 議议 認认 請请
說说 讀读 調调 論论 講讲 計计 訂订 詞词 試试 詳详 誤误 許许 評评 譯译 諾诺 謀谋 謂谓 護护 讓让
誠诚 語语 談谈 課课 識识 訴诉 訟讼 詐诈 該该 誘诱 證证 執执 導导 術术 劃划 製制 決决 稅税 費费
貨货 資资 質质 購购 貿贸 貸贷 賠赔 償偿 賣卖 買买 貴贵 賦赋 負负 貢贡 販贩 貧贫 賬账 價价 儲储
備备 傳传 倫伦 偽伪 僞伪 側侧 優优 億亿 僅仅 徵征 態态 戶户 擔担 擇择 擁拥 擴扩 損损 換换 撥拨
攝摄 壓压 壞坏 場场 塊块 墳坟 壇坛 壩坝 奪夺 婦妇 孫孙 寧宁 寶宝 專专 尋寻 層层 屬属 島岛 峽峡
嶺岭 帶带 師师 幣币 幫帮 廣广 廠厂 廢废 廳厅 庫库 彈弹 歸归 徑径 復复 複复 憲宪 戰战 擬拟 敵敌
數数 斷断 東东 極极 構构 標标 樣样 樓楼 歡欢 歲岁 歷历 殘残 殺杀 氣气 漢汉 滅灭 漁渔 準准 溝沟
潔洁 澤泽 灣湾 災灾 爐炉 營营 燈灯 爭争 獎奖 獨独 環环 畫画 異异 癥症 盡尽 監监 盤盘 眾众 衆众
礦矿 確确 碼码 礎础 禮礼 禍祸 種种 穩稳 積积 窮穷 競竞 筆笔 築筑 簡简 糧粮 紀纪 約约 級级 紅红
納纳 紙纸 組组 細细 終终 絕绝 結结 給给 統统 絡络 綜综 綠绿 維维 網网 緊紧 線线 綫线 練练 縮缩
績绩 繼继 續续 罰罚 罷罢 聯联 聲声 聽听 腦脑 臨临 舉举 與与 藝艺 藥药 處处 虧亏 衛卫 補补 裝装
見见 視视 親亲 觀观 覺觉 討讨 記记 訪访 設设 話话 諮咨 謹谨 譽誉 變变 豐丰 財财 賄贿 賂赂 賭赌
賴赖 贈赠 贊赞 車车 軍军 輕轻 載载 輔辅 輛辆 輸输 轄辖 轉转 辦办 農农 違违 遠远 運运 過过 達达
選选 遲迟 遺遗 還还 邊边 醫医 釋释 針针 鋼钢 錢钱 錯错 鐵铁 銀银 銷销 鏈链 閉闭 間间 閱阅 隊队
陽阳 陰阴 際际 險险 隱隐 雜杂 雙双 離离 難难 靜静 響响 頁页 順顺 須须 預预 頒颁 領领 頻频 題题
額额 願愿 類类 顧顾 顯显 風风 飛飞 飲饮 養养 館馆 驗验 騙骗 驅驱 髮发 發发 鬥斗 魚鱼 鳥鸟 鹽盐
黃黄 齊齐 齡龄 龍龙 臺台 併并 並并 佈布 佔占 係系 倉仓 偵侦 傷伤 債债 僱雇 儀仪 兒儿 內内 兩两
淨净 凈净 剛刚 創创 劑剂 勝胜 勢势 勵励 勸劝 協协 單单 卻却 厲厉 參参 啟启 啓启 喪丧 嚴严 囑嘱
園园 圍围 圖图 團团 堅坚 塗涂 壯壮 壽寿 夠够 奮奋 審审 屆届 幹干 幾几 彙汇 後后 徹彻 惡恶 慣惯
慮虑 憑凭 懷怀 懸悬 拋抛 掃扫 掛挂 採采 揮挥 搶抢 撫抚 擊击 擠挤 擾扰 攤摊 敗败 敘叙 暫暂 曆历
會会 棄弃 檔档 檢检 櫃柜 欄栏 歐欧 殯殡 毀毁 沒没 況况 測测 滿满 潛潜 濃浓 濫滥 瀆渎 灘滩 烏乌
煙烟 熱热 爾尔 牆墙 犧牺 狀状 獄狱 獲获 畢毕 盜盗 礙碍 簽签 籌筹 糾纠 紛纷 紡纺 絲丝 緝缉 緣缘
緩缓 繳缴 織织 羅罗 習习 聖圣 聞闻 肅肃 脅胁 脫脱 舊旧 莊庄 萬万 葉叶 蓋盖 薦荐 蘭兰 虛虚 衝冲
裏里 裡里 襲袭 訊讯 託托 診诊 詢询 誌志 註注 誕诞 誣诬 諒谅 諸诸 譜谱 豬猪 貫贯 貼贴 賀贺 賃赁
賓宾 賞赏 賢贤 賽赛 贓赃 贖赎 跡迹 踐践 躍跃 軌轨 較较 輯辑 辭辞 辯辩 郵邮 鄰邻 釀酿 鈔钞 鋪铺
錄录 鍋锅 鎖锁 鏡镜 鐘钟 閥阀 闊阔 陣阵 陳陈 陸陆 隨随 雞鸡 雲云 靈灵 頂顶 頓顿 頭头 顆颗 飼饲
飾饰 饋馈 馬马 駐驻 駕驾 駛驶 騰腾 驚惊 鬆松 鬧闹 魯鲁 鮮鲜 麗丽 點点 黨党 齒齿 撲扑 產产 療疗
動动 勞劳 機机 濟济 讀读 冊册 領领 轉转 進进 註注 登登 檯台 颱台 衛卫 醫医 顏颜 剝剥 廟庙 獸兽
畝亩 礎础 禦御 窩窝 竊窃 纖纤 聰聪 膽胆 臟脏 艙舱 艦舰 蘇苏 蟲虫 訂订 誰谁 謝谢 譴谴 貶贬 賊贼
趕赶 轟轰 邁迈 鉛铅 鍵键 閒闲 雖虽 頸颈 餘余 飯饭 鴻鸿 鳳凤 麥麦 韓韩 態态 衆众 擬拟 擴扩 攜携
"""

_TABLE = {}
for _pair in _PAIRS.split():
    if len(_pair) != 2:
        raise ValueError(f"bad pair {_pair!r}")
    _TABLE[ord(_pair[0])] = _pair[1]

_WS_RE = re.compile(r"\s+")


def to_simplified(text: str) -> str:
    """Map the traditional characters this module knows to simplified ones."""
    return text.translate(_TABLE)


def compact(text: str) -> str:
    """Remove every kind of whitespace (ASCII, full-width 　, en spaces)."""
    return _WS_RE.sub("", text)


def key(text: str) -> str:
    """A comparison key for headings and titles: no whitespace, simplified."""
    return to_simplified(compact(text))
